-- No persona has team_sise (the coach has team_size).
persona "beginner" { share = 0.5 }
persona "coach" { share = 0.5, team_size = 12 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", function(c)
  return 0.01 * (c.team_sise or 1)
end)
