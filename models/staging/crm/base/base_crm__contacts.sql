{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('crm', 'contacts'),
    columns=[
        'contact_id',
        'account_id',
        'full_name',
        'email',
        'phone',
        'job_title',
        'buying_role',
        'created_at',
    ],
    key_columns=['contact_id'],
    types={'created_at': 'timestamp'},
    accepted_values={'buying_role': ['decision_maker', 'user', 'influencer', 'other']},
    lowercase_columns=['buying_role'],
    recorded_at_column='created_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
