"""`hongyan accounts create`: an administrator bootstraps accounts (runs as the database owner, not RLS-bound)."""

from __future__ import annotations

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from registry.accounts.store import NewAccount, create_account
from registry.personal import PersonalDataCipher

accounts_app = typer.Typer(
    help="账号 Real-name accounts: create the first administrator.", no_args_is_help=True
)


@accounts_app.command("create")
@reports_errors
def create(
    ctx: typer.Context,
    role: str = typer.Option(
        ...,
        help="角色 county_admin, county_reviewer, township_staff, village_collector, "
        "enterprise_hr or job_seeker",
    ),
    username: str = typer.Option(..., help="用户名 login name"),
    name: str = typer.Option(..., help="真实姓名 real name"),
    phone: str = typer.Option(..., help="手机号 mobile number (stored encrypted)"),
    id_number: str = typer.Option(..., "--id-number", help="身份证号 ID number (stored encrypted)"),
    area: str | None = typer.Option(
        None, help="地区代码 12-digit county/township/village code (staff roles)"
    ),
    enterprise_id: int | None = typer.Option(None, "--enterprise-id", help="企业 id (enterprise_hr)"),
    resident_id: int | None = typer.Option(None, "--resident-id", help="居民 id (job_seeker)"),
    password: str = typer.Option(
        ..., prompt="密码 password", hide_input=True, confirmation_prompt=True, help="asked for when omitted"
    ),
) -> None:
    """新建账号 Create a real-name account; the password is asked for and stored only as an argon2 hash."""
    settings = get_settings(ctx)
    new = NewAccount(username, name, phone, id_number, role, area, enterprise_id, resident_id)
    with connected_engine(settings) as engine, engine.begin() as conn:
        account = create_account(conn, new, password, cipher=PersonalDataCipher(settings.secret_key))
    console.print(
        f"account {account.account_id} created: {account.username} ({account.role}, area {account.area_code})"
    )
