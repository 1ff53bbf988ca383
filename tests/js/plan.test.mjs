// Unit tests of the planner's pure parts, run by node's own test runner (tests/test_js.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import { clash, emptyPlan, fromShareCode, londonToUtc, schoolYear, shareCode, summary } from "../../static/plan.js";

const s = (start, end, startTime, endTime) => ({ start, end, startTime, endTime });

test("dates clash when their days overlap and, on one day with times, their times do", () => {
  assert.equal(clash(s("2027-02-09", "2027-02-09", "16:30", "17:30"), s("2027-02-09", "2027-02-09", "16:00", "17:30")), true);
  assert.equal(clash(s("2027-02-09", "2027-02-09", "09:00", "12:00"), s("2027-02-09", "2027-02-09", "13:00", "16:00")), false);
  assert.equal(clash(s("2027-07-05", "2027-07-16"), s("2027-07-12", "2027-07-12", "08:30", "16:30")), true); // a placement
  assert.equal(clash(s("2027-07-05", "2027-07-09"), s("2027-07-12", "2027-07-16")), false);
});

test("London wall-clock times become UTC across the clock changes", () => {
  assert.equal(londonToUtc("2027-02-09", "16:30").toISOString(), "2027-02-09T16:30:00.000Z");
  assert.equal(londonToUtc("2027-07-12", "08:30").toISOString(), "2027-07-12T07:30:00.000Z");
});

test("the school year runs September to August, in three terms", () => {
  const year = schoolYear(new Date("2027-01-28T00:00:00Z"));
  assert.equal(year.label, "2026 to 2027");
  assert.deepEqual(year.terms.map((t) => t[0]), ["Autumn term", "Spring term", "Summer term"]);
  assert.equal(schoolYear(new Date("2026-09-01T00:00:00Z")).label, "2026 to 2027");
});

test("hours are counted by term, done apart from planned, other years left out", () => {
  const plan = emptyPlan();
  const item = (id, start, hours, done) => ({ id, url: `/o/${id}/`, title: id, chosen: null, done, snapshot: { title: id, hours, sessions: start ? [s(start, start)] : [] } });
  plan.items = { a: item("a", "2026-10-01", 3, true), b: item("b", "2027-05-01", 2, false), c: item("c", null, 1, false), d: item("d", "2027-10-01", 9, false) };
  const out = summary(plan, "2027-01-28");
  assert.deepEqual(out.rows.map((r) => [r.name, r.planned, r.done]), [["Autumn term", 0, 3], ["Spring term", 0, 0], ["Summer term", 2, 0], ["No date yet", 1, 0]]);
  assert.equal(out.done, 3);
  assert.equal(out.planned, 3);
});

test("a shared link round-trips, and takes only this site's own addresses", () => {
  const plan = emptyPlan();
  plan.target = 25;
  plan.items.x = { id: "x", url: "/opportunities/x/", title: "X", chosen: 2, done: true, snapshot: null };
  const back = fromShareCode(shareCode(plan));
  assert.equal(back.target, 25);
  assert.deepEqual(back.items.x, { id: "x", url: "/opportunities/x/", title: "x", snapshot: null, chosen: 2, done: true });
  const hostile = Buffer.from(JSON.stringify({ t: 30, i: [["y", "https://evil.example/", null, 0], ["z", "//evil.example/", null, 0]] })).toString("base64url");
  assert.deepEqual(Object.keys(fromShareCode(hostile).items), []);
});
