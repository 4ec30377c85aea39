"""What the reports app adds to the shared navigation bar and the my-work page."""
