"""Coupons: redeem at the counter, issue single coupons and campaigns, print."""
