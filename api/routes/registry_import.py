"""Registry spreadsheets: templates per database and imports (multipart upload) on the caller's scoped connection.

The error workbook is returned inline (base64 in ``error_workbook.content_base64``): nothing about the upload
is stored on the server, so there is no file another account could fetch.
"""

from __future__ import annotations

import base64
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.deps import SettingsDep
from api.errors import raises
from api.schemas.common import BINARY, enum_schema
from geo.core.crs import DATUMS
from geo.core.errors import InvalidInput
from registry.accounts.auth import audit
from registry.accounts.roles import Account
from registry.intake.catalog import SPECS, get_spec
from registry.intake.limits import WorkbookLimits
from registry.intake.read import ENCODINGS, UploadTooLarge
from registry.intake.service import MODES, ImportReport, import_file, template_for
from registry.intake.spec import check_importer
from registry.intake.specs import residents

DEFAULT = residents.SPEC  # who may import at all: the roles of the residents' import
router = APIRouter(prefix="/api/v1/registry", tags=["registry"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATABASES = tuple(SPECS)  # the importable databases, as the catalog lists them
DATABASE = Path(
    pattern=r"^[a-z_]{1,32}$",
    json_schema_extra=enum_schema(DATABASES),
    description="residents（人力资源供给库）、talents（创新创业人才库）、enterprises（企业与场所）、vacancies（岗位）、"
    "policies（稳岗就业政策库，县级）",
)
UPLOAD_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": ".xlsx 或 .csv"}
                    },
                }
            }
        },
    }
}


class RowErrorOut(BaseModel):
    """One rejected cell or row."""

    row: int
    field: str | None
    message: str
    text: str


class ErrorWorkbook(BaseModel):
    """The uploaded rows plus a 错误说明 column, as .xlsx bytes in base64."""

    filename: str
    media_type: str = XLSX
    content_base64: str


class ImportResult(BaseModel):
    """What an import did: counts, every error, and the error workbook when there are errors."""

    detail: str
    database: str
    mode: str
    rows: int
    valid: int
    written: int
    rejected: int
    errors: list[RowErrorOut]
    error_workbook: ErrorWorkbook | None


def _importer(account: Account, database: str) -> None:
    """403 unless the account may import into this database (importers at all first, then the database's own)."""
    check_importer(DEFAULT, account.role)
    check_importer(get_spec(database), account.role)


def _result(report: ImportReport) -> ImportResult:
    book = None
    if report.error_workbook is not None:
        stem = report.source.rsplit(".", 1)[0] or report.database
        book = ErrorWorkbook(
            filename=f"{stem}.错误.xlsx", content_base64=base64.b64encode(report.error_workbook).decode()
        )
    return ImportResult(
        detail=report.summary,
        database=report.database,
        mode=report.mode,
        rows=report.rows,
        valid=report.valid,
        written=report.written,
        rejected=report.rejected,
        errors=[RowErrorOut(row=e.row, field=e.field, message=e.message, text=e.text) for e in report.errors],
        error_workbook=book,
    )


@router.get(
    "/templates/{database}.xlsx",
    operation_id="registry_template",
    response_class=Response,
    responses={200: {"content": {XLSX: BINARY}, "description": "导入模板 (.xlsx)"}},
)
def template(account: CurrentAccount, conn: ScopedConnection, database: Annotated[str, DATABASE]) -> Response:
    """导入模板 The import template of a database: Chinese headers, 说明 sheet, drop-downs of your villages."""
    _importer(account, database)
    data = template_for(conn, database, scope=account.scope.prefix)
    name = quote(f"{database}-模板.xlsx")
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )


@router.post(
    "/import/{database}",
    operation_id="registry_import",
    response_model=ImportResult,
    responses={**raises(UploadTooLarge), 422: {"model": ImportResult}},
    openapi_extra=UPLOAD_SCHEMA,
)
async def import_upload(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    cipher: Cipher,
    settings: SettingsDep,
    database: Annotated[str, DATABASE],
    mode: Annotated[
        str,
        Query(
            description="all_or_nothing（全部或全不，默认）或 commit_valid（导入有效行，返回错误行）",
            json_schema_extra=enum_schema(MODES),
        ),
    ] = "all_or_nothing",
    encoding: Annotated[
        str, Query(description=f"CSV 编码：{'、'.join(ENCODINGS)}", json_schema_extra=enum_schema(ENCODINGS))
    ] = "auto",
    datum: Annotated[
        str,
        Query(
            description="未填坐标系的行按此：wgs84、gcj02（手机/高德）、bd09",
            json_schema_extra=enum_schema(DATUMS),
        ),
    ] = "wgs84",
) -> JSONResponse:
    """导入 Import a filled template in your area, in one transaction; errors per row and an error workbook.

    all_or_nothing: any error → nothing written, 422 with every error. commit_valid: valid rows written, 200 with
    the rejects. The body is cut off at HONGYAN_MAX_UPLOAD_MB as it arrives (api.upload_limit, 413); a workbook
    over its limits or an import past HONGYAN_IMPORT_TIMEOUT_S is a 422 and nothing is written.
    """
    _importer(account, database)
    try:
        form = await request.form(max_files=1, max_fields=4)
    except HTTPException as exc:  # Starlette's 400 for a malformed or over-full multipart body
        raise InvalidInput(
            f"上传内容无法读取，请只上传一个文件，字段名 file（the upload could not be read: {exc.detail}）",
            field="file",
        ) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("请以 multipart/form-data 上传文件，字段名 file", field="file")
        data = await upload.read()
        source = upload.filename or "upload"
    finally:
        await form.close()
    report = await run_in_threadpool(
        import_file,
        conn,
        database,
        data,
        source=source,
        mode=mode,
        scope=account.scope.prefix,
        cipher=cipher,
        max_upload_mb=settings.max_upload_mb,
        encoding=encoding,
        datum=datum,
        limits=WorkbookLimits.from_settings(settings),
        timeout_s=settings.import_timeout_s,
    )
    audit(
        conn,
        account,
        "registry.import",
        target=f"{database}:{report.written}/{report.rows}",
        source=client_address(request),
    )
    failed = report.mode == "all_or_nothing" and bool(report.errors)
    return JSONResponse(_result(report).model_dump(), status_code=422 if failed else 200)
