-- Chunk names from load cannot pass for files; errors name the scenario.
stage "visit" { entry = true }
local f = load("return 1", "@/etc/passwd")
local g, msg = load("x = = 1", "=/etc/passwd")
pcall(load("error('x', 0)", "@other.lua"))
load("persona 'p' { share = 1 }")()
