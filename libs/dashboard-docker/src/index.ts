// public API of @homelab/dashboard-docker
