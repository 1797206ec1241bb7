-- The commercial director's funnel: what does a better ad offer really bring?
--
-- The question this scenario answers: 1,000 people see our ad and 5% of them
-- click through to the site. If a stronger offer lifts the click-through to
-- 7.5%, what happens at every later stage, and does the work pay?
--
-- 7.5% is only 2.5 points more than 5%, but it is 1.5 times as many clicks
-- (7.5 / 5 = 1.5). The stages after the click keep their own conversion, so
-- each of them gets 1.5 times as many people too: 1.5 times the requests and
-- 1.5 times the deals. That is why a commercial director watches the
-- conversion of every stage: a few points at one stage multiply through the
-- whole funnel. The second intervention improves a later stage, the landing
-- page, and the two together multiply: 1.5 x 1.25 = 1.875 times the deals.
--
--   cjmsim run scripts/ad_funnel.lua
--   cjmsim check scripts/ad_funnel.lua     (the shares each stage passes on)
--
-- DAILY probabilities. A transition's number is the chance per day. The ad
-- runs for a while and people meet it again, so a viewer clicks with 0.01 a
-- day and stops noticing it with 0.19 a day. Of those who decide, a share of
--   0.01 / (0.01 + 0.19) = 0.05 = 5%
-- click, after 1 / (0.01 + 0.19) = 5 days on average. To get "5% click",
-- choose the daily numbers so that click / (click + leave) = 5%.
--
-- With 1,000 viewers the run shows about 50 clicks, 10 requests and 3 deals,
-- so the numbers wobble from seed to seed; try --customers 1000000 to see
-- the shares settle on 5%, 1% and 0.3%. Nobody buys twice here, so read the
-- buyers (deals) and the money in the summary, and every variant's funnel in
-- results/ad_funnel/funnel.csv.

scenario {
  name = "Ad funnel",
  question = "A better offer lifts clicks from 5% to 7.5%: what happens at every later stage?",
  days = 60,            -- two months: long enough for everyone to decide
  customers = 1000,     -- 1,000 people see the ad
  seed = 7,
  margin = 0.3,         -- 30% of a deal is profit
  currency = "RUB",
}

-- No persona is declared: everyone is the same kind of viewer (the persona
-- "everyone"). lesson2_personas.lua shows what personas add.

stage "ad" {
  entry = true,
  touchpoints = { "search ad", "ad in a Telegram channel" },
  thoughts = "Is this what I am looking for?",
}

stage "site" {
  touchpoints = { "landing page", "price list", "cases" },
  actions = "Reads the offer, compares with competitors",
  thoughts = "Can they do it, and for how much?",
}

stage "request" {
  touchpoints = { "request form", "phone call" },
  actions = "Leaves a request, talks to a manager",
}

stage "deal" {
  purchase = true, value = 40000,
  terminal = true,      -- the funnel ends here: this scenario follows one deal per lead
  touchpoints = { "contract", "invoice" },
}

stage "scrolled_past" { terminal = true, description = "Saw the ad, never clicked" }
stage "left_site"     { terminal = true, description = "Visited the site, left no request" }
stage "no_deal"       { terminal = true, description = "Asked, did not buy" }

-- The ad: 5% click (0.01 / 0.20), the rest scroll past; 5 days on average.
transition("ad", "site", 0.01)
transition("ad", "scrolled_past", 0.19)

-- The site: 20% leave a request (0.1 / 0.5); visitors decide in 2 days.
transition("site", "request", 0.10)
transition("site", "left_site", 0.40)

-- The request: 30% sign a deal (0.15 / 0.5) after the manager's call.
transition("request", "deal", 0.15)
transition("request", "no_deal", 0.35)

-- 1,000 x 5% x 20% x 30% = 3 deals; the better offer gives 4.5.

intervention "better_offer" {
  description = "A stronger offer in the ad: the price, the guarantee, the benefits spelled out",
  channel = "ads",
  -- Of the 0.20 a day who decide, 0.015 click instead of 0.01:
  -- 0.015 / (0.015 + 0.185) = 7.5%, and they decide as fast as before.
  set = { ["ad->site"] = 0.015, ["ad->scrolled_past"] = 0.185 },
  cost_per_customer = 3,  -- the copywriter's fee, spread over the people who see the ad
}

intervention "better_landing" {
  description = "A landing page with cases and prices: 25% leave a request instead of 20%",
  channel = "site",
  set = { ["site->request"] = 0.125, ["site->left_site"] = 0.375 },  -- 0.125 / 0.5 = 25%
  cost_per_customer = 10, -- the designer's work, spread over the site's visitors
}
