// public API of @homelab/dashboard-databases
