"""SQL of the one-window tickets, parameters bound. Public requests see one ticket through hongyan.ticket_no."""

from __future__ import annotations

from sqlalchemy import text

SET_TICKET_NO = text("SELECT set_config('hongyan.ticket_no', :no, true)")
ROUTES = text("SELECT category, category_name, unit, unit_name, level FROM ticket_routes ORDER BY category")
ROUTE = text("SELECT category, category_name, unit, unit_name, level FROM ticket_routes WHERE category = :c")
AREA = text("SELECT code, name, level FROM admin_areas WHERE code = :code")
INSERT_TICKET = text(
    """
    INSERT INTO tickets (ticket_no, category, unit, area_code, applicant_area, applicant_name, phone_hash,
                         phone_cipher, description)
    VALUES (:ticket_no, :category, :unit, :area_code, :applicant_area, :name, :phone_hash, :phone_cipher,
            :description)
    RETURNING ticket_id, created_at
    """
)
INSERT_EVENT = text(
    """
    INSERT INTO ticket_events (ticket_id, area_code, from_status, to_status, account_id, note)
    VALUES (:ticket_id, :area_code, :from_status, :to_status, :account_id, :note)
    """
)
TICKET_BY_NO = text(
    """
    SELECT t.ticket_id, t.ticket_no, t.category, r.category_name, t.unit, r.unit_name, t.area_code,
           a.name AS area_name, t.applicant_area, t.applicant_name, t.phone_cipher, t.description, t.status,
           t.created_at, t.updated_at
    FROM tickets t
    JOIN ticket_routes r ON r.category = t.category
    LEFT JOIN admin_areas a ON a.code = t.area_code
    WHERE t.ticket_no = :no
    """
)
LOCK_TICKET = text("SELECT ticket_id, area_code, status FROM tickets WHERE ticket_no = :no FOR UPDATE")
SET_STATUS = text("UPDATE tickets SET status = :status, updated_at = now() WHERE ticket_id = :id")
EVENTS = text(
    """
    SELECT from_status, to_status, account_id, at, note FROM ticket_events WHERE ticket_id = :id
    ORDER BY at, event_id
    """
)
QUEUE = text(
    """
    SELECT t.ticket_id, t.ticket_no, t.category, r.category_name, t.unit, r.unit_name, t.area_code,
           a.name AS area_name, t.applicant_area, t.applicant_name, t.phone_cipher, t.description, t.status,
           t.created_at, t.updated_at
    FROM tickets t
    JOIN ticket_routes r ON r.category = t.category
    LEFT JOIN admin_areas a ON a.code = t.area_code
    WHERE (CAST(:unit AS text) IS NULL OR t.unit = :unit)
      AND (CAST(:status AS text) IS NULL OR t.status = :status)
    ORDER BY t.created_at, t.ticket_id
    LIMIT :limit
    """
)
# one check at a time per ticket number: parallel guesses cannot slip past the count
LOCK_CHECK_KEY = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
CHECK_FAILURES = text(
    """
    SELECT ticket_failures, ticket_idle, source_failures, source_idle
    FROM ticket_check_failures(:ticket_hash, :source, :ticket_window, :source_window)
    """
)
INSERT_CHECK = text(
    "INSERT INTO ticket_checks (ticket_hash, source_addr, outcome) VALUES (:ticket_hash, :source, :outcome)"
)
