-- A loop that never ends while the scenario is loaded.
stage "visit" { entry = true }
while true do end
