-- '+' joins interventions in variant names.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
intervention "notify+call" { at = "buy", mood = 1 }
