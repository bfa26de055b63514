"""Northbeck, famlink's own synthetic town: people, households and families simulated over
seven years, exported as the source files of ten council and partner systems (with
realistic errors) plus the ground truth to score linking and outcomes against.

Entry point: ``famlink.synthetic.town.generate_town``.
"""
