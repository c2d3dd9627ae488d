"""The coordinators' pages. Every view needs a signed-in user, and finds its visit through planner.access."""
