"""Synthetic identifiers: check characters and validators (``checks``), numpy generators (``generate``).

Storage conventions every producer and consumer must share: plates without the middle dot
(``贵HD12345``), landlines as ``0855-NNNNNNN``, property certificate numbers with ASCII parentheses.
"""
