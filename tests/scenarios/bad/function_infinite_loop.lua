-- A probability function that never returns.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", function(c)
  while true do end
end)
