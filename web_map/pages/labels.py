"""Labels (message ids) of the codes the workbench shows: roles, employment and review states, choices."""

from __future__ import annotations

from web_map.pages.i18n import N_

ROLES = {
    "county_admin": N_("County administrator"),
    "county_reviewer": N_("County reviewer"),
    "township_staff": N_("Township staff"),
    "village_collector": N_("Village collector"),
    "enterprise_hr": N_("Enterprise HR"),
    "job_seeker": N_("Job seeker"),
}
EMPLOYMENT = {
    "employed_local": N_("Employed locally"),
    "working_away": N_("Working away from home"),
    "farming": N_("Farming"),
    "seeking": N_("Looking for work"),
    "student": N_("In school"),
    "not_in_labour_force": N_("Not in the labour force"),
}
RECORD_STATUS = {
    "draft": N_("Draft"),
    "submitted": N_("Waiting for township review"),
    "township_approved": N_("Waiting for county review"),
    "approved": N_("Approved"),
    "returned": N_("Returned"),
}
# stored as written (Chinese), shown translated
EDUCATION = {
    "小学及以下": N_("Primary school or less"),
    "初中": N_("Junior secondary school"),
    "高中/中专": N_("Senior secondary or vocational school"),
    "大专": N_("Junior college"),
    "本科及以上": N_("Bachelor's degree or higher"),
}
INCOME = {
    "none": N_("No income"),
    "<3000": N_("Under 3,000 yuan a month"),
    "3000-4999": N_("3,000–4,999 yuan a month"),
    "5000-7999": N_("5,000–7,999 yuan a month"),
    "8000+": N_("8,000 yuan a month or more"),
}
SEX = {"M": N_("Male"), "F": N_("Female")}
REVIEW_ACTION = {"submit": N_("Submitted"), "approve": N_("Approved"), "return": N_("Returned")}
LEVEL = {
    "village": N_("Village"),
    "township": N_("Township"),
    "county": N_("County"),
    "enterprise": N_("Enterprise"),
}
