"""Views of the instruction and the evaluation, one module per page family."""
