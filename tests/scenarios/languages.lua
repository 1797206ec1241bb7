-- Names in several scripts, for the tables that must line up by the columns
-- people see (Cyrillic: one column, two bytes; CJK: two columns; a combining
-- accent: none) and for results.xlsx, where a name that looks like a formula
-- ("=1+1") stays text.
scenario { name = "Магазин 購買", customers = 3000, days = 30, seed = 11 }

persona "студентка"   { share = 0.4, mood = 0 }
persona "会社員"      { share = 0.35, mood = 1 }
persona "=1+1"        { share = 0.25, mood = -1 }

stage "осведомлённость" { entry = true }
stage "визит"           { }
stage "購買"            { purchase = true, value = 40, emotion = -1 }
stage "до\u{301}ма"     { emotion = 1 }
stage "ушёл"            { terminal = true }

transition("осведомлённость", "визит", { ["студентка"] = 0.3, ["会社員"] = 0.2, ["=1+1"] = 0.1 })
transition("визит", "購買", 0.25)
transition("визит", "ушёл", 0.05)
transition("購買", "до\u{301}ма", 1)
transition("до\u{301}ма", "購買", function(c) return 0.04 + 0.01 * c.mood end)
transition("до\u{301}ма", "ушёл", 0.05)

intervention "скидка"   { at = "購買", mood = 1, cost_per_customer = 0.5 }
intervention "会員"     { scale = { ["до\u{301}ма->購買"] = 1.5 }, cost_per_customer = 1 }
