-- The per-persona table names a persona that is not declared.
persona "beginner" { share = 0.5 }
persona "coach" { share = 0.5 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", { beginner = 0.1, coach = 0.2, couch = 0.3 })
