"""What people see: figures, reports, text tables, the story of one crisis and the classroom app.

Views read results and the model's state; they never change them.
"""
