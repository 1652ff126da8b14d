"""Statistics over replicates: intervals, streamed summaries, paired contrasts, calibration targets.
"""
