{#- The landing tables of the data contract, as (system, table) pairs. -#}
{% macro landing_tables() %}
    {{ return([
        ('crm', 'accounts'),
        ('crm', 'contacts'),
        ('crm', 'leads'),
        ('crm', 'opportunities'),
        ('billing', 'subscriptions'),
        ('billing', 'invoices'),
        ('product', 'trials'),
        ('product', 'events'),
        ('support', 'tickets'),
        ('survey', 'nps_responses'),
        ('marketing', 'campaigns'),
        ('marketing', 'spend'),
        ('marketing', 'email_sends'),
        ('cs', 'activities'),
    ]) }}
{% endmacro %}
