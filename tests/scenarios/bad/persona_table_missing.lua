-- The per-persona table forgets the coach.
persona "beginner" { share = 0.5 }
persona "athlete" { share = 0.3 }
persona "coach" { share = 0.2 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", { beginner = 0.1, athlete = 0.2 })
