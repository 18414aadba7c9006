"""Postal filing and return: the result sent to the citizen by the public postal service
(channel 3, "qua dịch vụ bưu chính công ích"). docs/postal.md."""
