"""Every write goes through these modules; views, tasks and commands call them."""
