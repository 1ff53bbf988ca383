"""How entries reach the register from people who do not write YAML.

- forms: the questions, worded from the JSON Schema (x-form), and answers -> entry;
- answers: forgiving readings of dates, websites and postcodes (static/submit-rules.js mirrors them);
- pages: the submit pages, the employer picker's files and "what happens next";
- issue_forms, issue_parse: the GitHub issue forms, and a submitted issue -> entry file;
- from_email: an emailed submission -> checked entry file;
- new: `build.py new`, questions in a terminal;
- entry_yaml: writing an entry as YAML for people to review.
"""
