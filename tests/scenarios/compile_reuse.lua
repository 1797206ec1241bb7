-- Parameters that reach the probability functions by every road a scenario
-- has (tests/e2e/64_compile_reuse.t): a local, a table's field, a helper
-- function, a field of a library table and a persona's attribute. Each
-- function says on the error stream when it is called.
scenario { name = "Reuse", days = 30, customers = 4000, seed = 9 }

local direct   = param "direct"   { 0.04, low = 0.01, high = 0.1 }
local settings = { rate = param "in_table" { 0.03, low = 0.01, high = 0.1 } }
local helper_p = param "helper"   { 0.02, low = 0.01, high = 0.1 }
math.reuse_rate = param "library" { 0.05, low = 0.01, high = 0.1 }
local size     = param "size"     { 2, low = 1, high = 5 }

local function helper() return helper_p end

persona "one" { share = 1, size = size }

stage "visit" { entry = true }
stage "look"  {}
stage "cart"  {}
stage "buy"   { purchase = true, value = 50 }
stage "again" {}
stage "gone"  { terminal = true }

transition("visit", "look", function(c) print("called: direct") return direct end)
transition("look", "cart", function(c) print("called: in_table") return settings.rate * 2 end)
transition("cart", "buy", function(c) print("called: helper") return helper() * 3 end)
transition("buy", "again", function(c) print("called: library") return math.reuse_rate end)
transition("again", "buy", function(c) print("called: size") return 0.01 * c.size end)
transition("visit", "gone", function(c)
    print("called: fixed")
    return math.min(0.02, 0.001 * c.days_in_stage)
end)
