-- No scenario { }, no personas, no interventions: every default applies.
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
transition("visit", "buy", 0.05)
