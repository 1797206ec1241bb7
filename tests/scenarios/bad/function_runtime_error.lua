-- The function does arithmetic on an attribute only the coach has.
persona "beginner" { share = 0.5 }
persona "coach" { share = 0.5, team_size = 12 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", function(c)
  return 0.001 * c.team_size
end)
