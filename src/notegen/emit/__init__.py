"""Emitters: each turns the Card IR into one output, and reads nothing else."""
