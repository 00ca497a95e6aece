"""Sizes, category values, table layouts and the planted parameters of the demo data.

Everything a test or a reader may want to look up lives here, so the modules
that generate rows hold logic only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Accounts per size; events scale with accounts (see EVENTS_PER_ACCOUNT).
SIZES: dict[str, int] = {"XS": 200, "S": 2_000, "M": 10_000, "L": 50_000}

HISTORY_DAYS = 730  # two years of history before the as-of date
EVENTS_PER_ACCOUNT = 1_000  # product events per account over the two years
# Accounts are created no later than this many days before the as-of date, so
# that every trial (at most 30 days) has ended and every conversion (at most
# 42 days after the trial start) has happened strictly before the as-of date.
LAST_ACCOUNT_CREATION_DAYS = 45

INDUSTRY_GROWTH: dict[str, float] = {
    "manufacturing": 0.04,
    "retail": 0.03,
    "finance": 0.12,
    "healthcare": 0.16,
    "technology": 0.18,
    "logistics": 0.08,
    "education": 0.06,
    "energy": 0.10,
}
INDUSTRIES: tuple[str, ...] = tuple(INDUSTRY_GROWTH)

CHANNELS: tuple[str, ...] = (
    "industry_summit",
    "vertical_media",
    "professional_social",
    "webinar",
    "email_nurture",
    "referral",
    "paid_search",
    "outbound_sales",
)
REFERRAL = CHANNELS.index("referral")
OUTBOUND = CHANNELS.index("outbound_sales")
EMAIL_NURTURE = CHANNELS.index("email_nurture")
# Share of non-referred leads by channel (referral leads are drawn separately).
LEAD_CHANNEL_WEIGHTS: dict[str, float] = {
    "industry_summit": 0.14,
    "vertical_media": 0.12,
    "professional_social": 0.16,
    "webinar": 0.14,
    "email_nurture": 0.12,
    "paid_search": 0.22,
    "outbound_sales": 0.10,
}
# Marketing spend per new paying customer, USD, by channel: sets the daily
# budget of each campaign so that CAC differs by channel in a realistic way.
CHANNEL_CAC_USD: dict[str, float] = {
    "industry_summit": 14_000.0,
    "vertical_media": 8_000.0,
    "professional_social": 6_000.0,
    "webinar": 4_000.0,
    "email_nurture": 1_500.0,
    "paid_search": 7_000.0,
    "outbound_sales": 11_000.0,
}

COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 0.38,
    "GB": 0.10,
    "DE": 0.10,
    "FR": 0.07,
    "NL": 0.05,
    "ES": 0.04,
    "IT": 0.04,
    "JP": 0.08,
    "CA": 0.07,
    "AU": 0.07,
}
COUNTRIES: tuple[str, ...] = tuple(COUNTRY_WEIGHTS)
COUNTRY_CURRENCY: dict[str, str] = {
    "US": "USD",
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "NL": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "JP": "JPY",
    "CA": "CAD",
    "AU": "AUD",
}
PHONE_PREFIX: dict[str, str] = {
    "US": "+1",
    "GB": "+44",
    "DE": "+49",
    "FR": "+33",
    "NL": "+31",
    "ES": "+34",
    "IT": "+39",
    "JP": "+81",
    "CA": "+1",
    "AU": "+61",
}
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD")
# Units of each currency per USD, constant over the history (the project's FX
# seed varies by month around these values; the generator does not need that).
UNITS_PER_USD: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.95,
    "GBP": 0.78,
    "JPY": 152.0,
    "CAD": 1.38,
    "AUD": 1.50,
}

MODULES: tuple[str, ...] = (
    "core_platform",
    "inventory",
    "supply_chain_forecasting",
    "analytics",
    "billing_automation",
    "crm_integration",
)
ADD_ON_MODULES: tuple[str, ...] = MODULES[1:]
# Share of an account's full potential ARR that each module carries.
MODULE_ARR_WEIGHT: dict[str, float] = {
    "core_platform": 0.60,
    "inventory": 0.12,
    "supply_chain_forecasting": 0.12,
    "analytics": 0.08,
    "billing_automation": 0.04,
    "crm_integration": 0.04,
}
PLANS: tuple[str, ...] = ("starter", "professional", "enterprise")
# Initial plan from the core module's MRR in USD: below the first bound is
# starter, below the second professional, else enterprise.
PLAN_MRR_BOUNDS_USD: tuple[float, float] = (1_500.0, 5_000.0)

CORE_FEATURES: tuple[str, ...] = (
    "dashboard",
    "report_builder",
    "data_import",
    "workflow_automation",
    "alerts",
)
EVENT_TYPES: tuple[str, ...] = ("login", "feature_use", "page_view", "export")

BUYING_ROLES: tuple[str, ...] = ("decision_maker", "user", "influencer", "other")
TICKET_CATEGORIES: tuple[str, ...] = ("bug", "how_to", "billing", "feature_request", "outage")
TICKET_CATEGORY_WEIGHTS: tuple[float, ...] = (0.30, 0.35, 0.12, 0.15, 0.08)
TICKET_PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
TICKET_STATUSES: tuple[str, ...] = ("new", "open", "pending", "solved", "closed")
LEAD_STATUSES: tuple[str, ...] = ("open", "converted", "disqualified")
OPPORTUNITY_TYPES: tuple[str, ...] = ("new_business", "upsell", "cross_sell", "renewal")
OPPORTUNITY_STAGES: tuple[str, ...] = ("open", "closed_won", "closed_lost")
INVOICE_STATUSES: tuple[str, ...] = ("paid", "open", "void", "refunded")
CSM_OWNERS = 24  # csm_01 .. csm_24

# The contract's landing tables: exact column names in the contract's order.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm/accounts": (
        "account_id",
        "account_name",
        "industry",
        "country",
        "employee_count",
        "acquisition_channel",
        "csm_owner_id",
        "created_at",
        "updated_at",
    ),
    "crm/contacts": (
        "contact_id",
        "account_id",
        "full_name",
        "email",
        "phone",
        "job_title",
        "buying_role",
        "created_at",
    ),
    "crm/leads": (
        "lead_id",
        "company_name",
        "industry",
        "acquisition_channel",
        "campaign_id",
        "referred_by_account_id",
        "status",
        "created_at",
        "converted_account_id",
        "converted_at",
    ),
    "crm/opportunities": (
        "opportunity_id",
        "account_id",
        "opportunity_type",
        "product_module",
        "amount",
        "currency",
        "stage",
        "created_at",
        "closed_at",
    ),
    "billing/subscriptions": (
        "subscription_id",
        "account_id",
        "product_module",
        "plan",
        "mrr_amount",
        "currency",
        "started_on",
        "ended_on",
    ),
    "billing/invoices": (
        "invoice_id",
        "account_id",
        "subscription_id",
        "issued_at",
        "amount",
        "currency",
        "status",
        "paid_at",
    ),
    "product/trials": ("trial_id", "account_id", "product_module", "started_at", "ends_at"),
    "product/events": (
        "event_id",
        "account_id",
        "user_id",
        "event_type",
        "feature",
        "occurred_at",
        "duration_seconds",
    ),
    "support/tickets": (
        "ticket_id",
        "account_id",
        "requester_contact_id",
        "category",
        "priority",
        "status",
        "created_at",
        "first_response_at",
        "solved_at",
        "csat_score",
    ),
    "survey/nps_responses": (
        "response_id",
        "account_id",
        "contact_id",
        "score",
        "comment",
        "responded_at",
    ),
    "marketing/campaigns": ("campaign_id", "campaign_name", "channel", "started_on", "ended_on"),
    "marketing/spend": ("spend_date", "campaign_id", "channel", "amount", "currency"),
    "marketing/email_sends": (
        "send_id",
        "campaign_id",
        "experiment_id",
        "variant",
        "lead_id",
        "contact_id",
        "sent_at",
        "opened_at",
        "clicked_at",
        "converted_at",
    ),
    "cs/activities": (
        "activity_id",
        "account_id",
        "activity_kind",
        "performed_at",
        "performed_by",
        "channel",
        "worklist_item_id",
        "notes",
    ),
}

# Id prefix and zero-padded width per table with a single-column key.
ID_FORMAT: dict[str, tuple[str, int]] = {
    "crm/accounts": ("acc", 6),
    "crm/contacts": ("con", 7),
    "crm/leads": ("lead", 7),
    "crm/opportunities": ("opp", 7),
    "billing/subscriptions": ("sub", 7),
    "billing/invoices": ("inv", 8),
    "product/trials": ("trial", 6),
    "product/events": ("evt", 9),
    "support/tickets": ("tkt", 7),
    "survey/nps_responses": ("nps", 7),
    "marketing/campaigns": ("cmp", 4),
    "marketing/email_sends": ("snd", 8),
    "cs/activities": ("act", 7),
}

EXPERIMENT_ID = "exp_case_study_vs_promo"
EXPERIMENT_VARIANTS: tuple[str, ...] = ("control", "treatment")


@dataclass(frozen=True)
class Planted:
    """Every rate the generator plants; written to planted_parameters.json."""

    # Funnel
    direct_account_share: float = 0.08  # accounts created by outbound sales without a lead
    referred_account_share: float = 0.15  # target share of accounts from referred leads
    lead_conversion_referred: float = 0.40
    lead_conversion_non_referred: float = 0.15
    referral_lead_earliest_day: int = 60  # no referral leads in the first days of history
    # Trials: the signal is >= 7 consecutive login days and >= 5 core feature uses.
    trial_signal_share: float = 0.35
    trial_conversion_with_signal: float = 0.60
    trial_conversion_without_signal: float = 0.15
    trial_signal_min_streak_days: int = 7
    trial_signal_min_core_uses: int = 5
    trial_length_days: tuple[int, int] = (14, 30)
    trial_long_share: float = 0.40  # share of 30-day trials
    conversion_lag_days: tuple[int, int] = (5, 42)  # trial start -> first subscription
    # Value: potential ARR (USD) is log-normal; current ARR is a share of it.
    potential_arr_log_mean: float = 10.90
    potential_arr_log_sd: float = 0.80
    industry_arr_growth_weight: float = 1.5  # log-ARR shift per unit of industry growth
    # Retention
    min_paid_days_before_churn: int = 120
    annual_churn_probability: float = 0.20  # after the first 120 paid days
    planted_churner_share: float = 0.85  # churners that show the warning signs
    churn_window_days: int = 56  # the 8 weeks before churn
    churn_activity_factor: float = 0.30  # usage rate in the window vs normal
    churn_last_login_gap_days: tuple[int, int] = (20, 45)  # last login before churn
    churn_ticket_rate_factor: float = 3.0  # tickets in the window vs normal
    churn_nps_max_score: int = 6  # NPS responses in the window score 0..6
    churn_window_nps_response_rate: float = 0.85  # churners asked for NPS in the window
    reactivation_share: float = 0.20  # churners that come back
    # Expansion
    inventory_buy_rate: float = 0.35
    inventory_to_scf_rate: float = 0.60
    scf_base_rate: float = 0.08  # without inventory
    scf_lag_days: tuple[int, int] = (20, 140)  # inventory start -> SCF start
    analytics_buy_rate: float = 0.30
    billing_automation_buy_rate: float = 0.20
    crm_integration_buy_rate: float = 0.25
    core_upgrade_rate: float = 0.25
    core_downgrade_rate: float = 0.08
    # Support and survey (normal rates; churn window multiplies tickets)
    tickets_per_paid_month: float = 1.2
    nps_response_rate_per_wave: float = 0.35
    # Email experiment
    experiment_control_conversion: float = 0.10
    experiment_treatment_conversion: float = 0.115
    experiment_sends_per_lead: int = 3
    # CS activities (issue 17), drawn last from the outcome the plan fixed.
    # The day counts must equal the dbt defaults of the same name
    # (csm_checkin_interval_days = usage_report_interval_days, worklist_window_days,
    # action_window_days): the demo's activities then fall in the mart's windows.
    activity_cycle_interval_days: int = 30
    activity_worklist_window_days: int = 7
    activity_action_window_days: int = 14
    activity_effect_horizon_days: int = 90  # the planted odds ratios hold exactly here
    activity_unprompted_share: float = 0.03  # other / escalation, per item, at random
    activity_item_id_share: float = 0.60  # activities that name the item they answer

    @property
    def experiment_relative_lift(self) -> float:
        return self.experiment_treatment_conversion / self.experiment_control_conversion - 1.0

    def as_dict(self) -> dict[str, object]:
        values: dict[str, object] = asdict(self)
        values["experiment_relative_lift"] = round(self.experiment_relative_lift, 6)
        return values


PLANTED = Planted()

# The CS team's policy on every scorable worklist cycle item: one choice from
# the menu of the account's owner on the day the item appears, a CSM's own
# actions where the account has a CSM, the automated ones where it has none.
# Per kind: (share among items whose account does not churn, planted odds
# ratio of churn within activity_effect_horizon_days for acted vs untouched
# items, work item the effect is measured on). "none" is the untouched share.
# usage_report is the action that does nothing (odds ratio 1).
ACTIVITY_MENUS: dict[str, dict[str, tuple[float, float, str]]] = {
    "csm": {
        "checkin": (0.35, 0.4, "csm_checkin_due"),
        "executive_review": (0.30, 0.3, "csm_checkin_due"),
        "none": (0.35, 1.0, ""),
    },
    "automated": {
        "usage_report": (0.30, 1.0, "usage_report_due"),
        "training": (0.35, 0.3, "usage_report_due"),
        "none": (0.35, 1.0, ""),
    },
}
ACTIVITY_CHANNELS: dict[str, tuple[str, ...]] = {
    "checkin": ("call", "meeting"),
    "executive_review": ("meeting",),
    "usage_report": ("email",),
    "training": ("in_app",),
    "escalation": ("call",),
    "other": ("email", "call"),
}
ACTIVITY_BY_CSM = ("checkin", "executive_review", "escalation", "other")
