"""Statistics over replicates: intervals, streamed summaries, paired contrasts, the brief's checks;
and of the validation: proper scoring rules, benchmark forecasters, agreement between coders.
"""
