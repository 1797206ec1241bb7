-- The intervention misspells a persona.
persona "beginner" { share = 0.6 }
persona "coach" { share = 0.4 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
intervention "consultation" { personas = { "begginer" }, at = "buy", mood = 1 }
