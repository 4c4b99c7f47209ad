"""platform-fines: a validated warehouse of enforcement actions against online platforms."""
