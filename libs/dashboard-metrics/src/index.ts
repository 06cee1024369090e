// public API of @homelab/dashboard-metrics
