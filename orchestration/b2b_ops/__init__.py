"""B2B customer-operations warehouse: demo data, landing loader, build runner."""
