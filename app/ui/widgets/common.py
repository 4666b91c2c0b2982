"""What every widget group shares."""

KEEP = "session"  # persist_state: keep a widget's value across page switches
