-- The function forgets to return a value for calm customers.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", function(c)
  if c.mood > 0 then return 0.2 end
end)
