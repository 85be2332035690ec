"""«Решаем вместе»: improvement proposals from the public."""
