-- Indexing a variable that holds nothing.
stage "visit" { entry = true }
local channels = nil
stage "buy" { purchase = true, value = channels.price }
