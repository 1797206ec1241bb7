-- A journey with no chance in it: every probability is 0 or 1, so each
-- customer's days, moods and purchases follow from the model rules alone.
--   day 0 enter "ad" (mood 0); day 1 "visit"; day 2 "buy" (purchase 1, mood -1);
--   days in "buy" count 1, 2, 3 on days 3, 4, 5: "home" on day 5 (mood +1);
--   days in "home" count 1, 2 on days 6, 7: "buy" on day 7 (purchase 2, mood 0);
--   "home" again on day 10 (mood 2), "buy" on day 12 (purchase 3, mood 1) ...
scenario { name = "Clockwork", customers = 100, days = 10 }
stage "ad"    { entry = true }
stage "visit" { }
stage "buy"   { purchase = true, value = 10, emotion = -1 }
stage "home"  { emotion = 2 }
transition("ad", "visit", 1)
transition("visit", "buy", 1)
transition("buy", "home", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("home", "buy", function(c) return c.days_in_stage >= 2 and 1 or 0 end)
-- One more mood step at "home": 2 then 3 (4, clamped to 3).
intervention "welcome" { at = "home", mood = 1 }
