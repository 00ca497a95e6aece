{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('support', 'tickets'),
    columns=[
        'ticket_id',
        'account_id',
        'requester_contact_id',
        'category',
        'priority',
        'status',
        'created_at',
        'first_response_at',
        'solved_at',
        'csat_score',
    ],
    key_columns=['ticket_id'],
    types={
        'created_at': 'timestamp',
        'first_response_at': 'timestamp',
        'solved_at': 'timestamp',
        'csat_score': 'integer',
    },
    accepted_values={
        'priority': ['low', 'normal', 'high', 'urgent'],
        'status': ['new', 'open', 'pending', 'solved', 'closed'],
    },
    min_values={'csat_score': 1},
    max_values={'csat_score': 5},
    lowercase_columns=['category', 'priority', 'status'],
    recorded_at_column='created_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
        {'column': 'requester_contact_id', 'parent': source('crm', 'contacts'), 'parent_column': 'contact_id'},
    ]
) }}
