import { describe, expect, it } from "vitest";
import { readDate, readTime, splitIso } from "./dateinput";

const dob = { label: "Date of birth", past: "strict" as const, today: "2026-12-02" };

describe("the three date boxes", () => {
  it("reads day, month, year in that order, whatever the locale: 12 4 1990 is 12 April 1990", () => {
    expect(readDate("12", "4", "1990", dob)).toEqual({ iso: "1990-04-12" });
    expect(readDate("04", "12", "1990", dob)).toEqual({ iso: "1990-12-04" });
    expect(readDate(" 1 ", "02", "2000", dob)).toEqual({ iso: "2000-02-01" });
  });
  it("treats all-empty as no date, or as missing when the question must be answered", () => {
    expect(readDate("", "", "", dob)).toEqual({ iso: null });
    expect(readDate("", " ", "", { ...dob, required: true })).toEqual({ error: "Enter the date of birth", parts: ["day", "month", "year"] });
  });
  it("names the missing parts", () => {
    expect(readDate("12", "", "1990", dob)).toEqual({ error: "Date of birth must include a month", parts: ["month"] });
    expect(readDate("", "", "1990", dob)).toEqual({ error: "Date of birth must include a day and month", parts: ["day", "month"] });
    expect(readDate("3", "", "", dob)).toEqual({ error: "Date of birth must include a month and year", parts: ["month", "year"] });
  });
  it("refuses dates that do not exist, words, and two-digit years", () => {
    expect(readDate("31", "2", "1990", dob)).toEqual({ error: "Date of birth must be a real date", parts: ["day"] });
    expect(readDate("29", "2", "2023", dob).error).toBe("Date of birth must be a real date");
    expect(readDate("29", "2", "2024", dob)).toEqual({ iso: "2024-02-29" });
    expect(readDate("12", "13", "1990", dob)).toEqual({ error: "Date of birth must be a real date", parts: ["month"] });
    expect(readDate("12", "April", "1990", dob)).toEqual({ error: "Date of birth must be a real date", parts: ["month"] });
    expect(readDate("12", "4", "90", dob)).toEqual({ error: "Year must include 4 numbers", parts: ["year"] });
    expect(readDate("1", "1", "1850", dob).error).toBe("Date of birth must be between the years 1900 and 2200");
  });
  it("applies past and future rules against today", () => {
    expect(readDate("3", "12", "2026", dob).error).toBe("Date of birth must be in the past");
    expect(readDate("2", "12", "2026", dob)).toEqual({ iso: "2026-12-02" });
    const confirmed = { label: "Last confirmed", past: "today" as const, today: "2026-12-02" };
    expect(readDate("3", "12", "2026", confirmed).error).toBe("Last confirmed must be today or in the past");
    const review = { label: "Review date", future: true, today: "2026-12-02" };
    expect(readDate("1", "12", "2026", review).error).toBe("Review date must be today or in the future");
    expect(readDate("2", "12", "2026", review)).toEqual({ iso: "2026-12-02" });
  });
  it("splits a stored date back into the boxes", () => {
    expect(splitIso("1990-04-12")).toEqual(["12", "4", "1990"]);
    expect(splitIso(null)).toEqual(["", "", ""]);
    expect(splitIso("not a date")).toEqual(["", "", ""]);
  });
});

describe("a time of day", () => {
  it("reads 24-hour times as typed, refuses the rest", () => {
    expect(readTime("9:30")).toBe("09:30");
    expect(readTime(" 14.05 ")).toBe("14:05");
    expect(readTime("23:59")).toBe("23:59");
    for (const bad of ["24:00", "12:60", "1430", "2pm", ""]) expect(readTime(bad), bad).toBeNull();
  });
});
