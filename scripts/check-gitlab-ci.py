#!/usr/bin/env python3
"""Runs deploy/gitlab-ci/.gitlab-ci.yml's jobs locally, as a GitLab runner would, and checks
the merged report against one unsharded run of the same tests.

Each job runs in a directory of its own (its CI_PROJECT_DIR): its `script:` lines in one bash
with `set -eo pipefail` (as GitLab's shell does), the pipeline's variables (overridable) and
CI_NODE_INDEX/CI_NODE_TOTAL for `parallel: N`. Its `artifacts:paths` (variables and globs
expanded) are collected and handed to the jobs of later stages, like GitLab's artifacts.

Usage: check-gitlab-ci.py --qcoord BIN --python VENV_PYTHON --tests DIR [--pipeline FILE] [--work DIR]
Needs PyYAML; the JUnit file is validated with scripts/validate_junit.py run by --python.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
            "before_script", "after_script"}


def fail(message):
    print("check-gitlab-ci: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def explain_failed_tests(workdir):
    """Prints each non-PASS test of the job's results.json files with its reason and the
    end of its debug.log, so that a failure on a CI machine says which test and why."""
    for results in glob.glob(os.path.join(workdir, "**", "results.json"), recursive=True):
        try:
            with open(results) as f:
                tests = json.load(f).get("tests", [])
        except (OSError, ValueError) as e:
            sys.stderr.write("check-gitlab-ci: cannot read %s: %s\n" % (results, e))
            continue
        for test in tests:
            if test.get("status") in ("PASS", "SKIP"):
                continue
            sys.stderr.write("check-gitlab-ci: %s: %s %s: %s\n" % (
                results, test.get("status"), test.get("name"), test.get("fail_reason")))
            logdir = test.get("logdir") or ""
            debug = os.path.join(logdir, "debug.log")
            if not os.path.isabs(debug):
                debug = os.path.join(os.path.dirname(results), debug)
            if os.path.isfile(debug):
                with open(debug, errors="replace") as f:
                    sys.stderr.write(f.read()[-2000:] + "\n")


def jobs_by_stage(pipeline):
    stages = pipeline.get("stages", ["build", "test", "deploy"])
    jobs = {name: job for name, job in pipeline.items()
            if name not in RESERVED and not name.startswith(".") and isinstance(job, dict)}
    for name, job in jobs.items():
        if "script" not in job:
            fail("job %s has no script" % name)
        if job.get("stage", "test") not in stages:
            fail("job %s: stage %r is not in stages %r" % (name, job.get("stage"), stages))
    return [(stage, [(n, j) for n, j in jobs.items() if j.get("stage", "test") == stage]) for stage in stages]


def run_job(name, job, env, workdir, artifacts_dir, log, expect_exit=0):
    os.makedirs(workdir)
    if os.path.isdir(artifacts_dir):
        shutil.copytree(artifacts_dir, workdir, symlinks=True, dirs_exist_ok=True)
    lines = job.get("before_script", []) + job["script"]
    script = "set -eo pipefail\n" + "\n".join(lines) + "\n"
    env = dict(env, CI_PROJECT_DIR=workdir, CI_JOB_NAME=name)
    started = time.time()
    with open(log, "w") as out:
        proc = subprocess.run(["bash", "-c", script], cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    print("check-gitlab-ci: %s%s: exit %d in %.1f s (log %s)" % (
        name, " %s/%s" % (env["CI_NODE_INDEX"], env["CI_NODE_TOTAL"]) if "CI_NODE_INDEX" in env else "",
        proc.returncode, time.time() - started, log))
    if proc.returncode != expect_exit:
        with open(log) as f:
            sys.stderr.write(f.read()[-3000:])
        explain_failed_tests(workdir)
        fail("job %s exited %d, expected %d" % (name, proc.returncode, expect_exit))
    artifacts = job.get("artifacts", {})
    kept = []
    for pattern in artifacts.get("paths", []):
        # GitLab expands the job's variables ($X, ${X}) in artifact paths.
        expanded = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), pattern)
        matches = glob.glob(os.path.join(workdir, expanded.rstrip("/")))
        if not matches:
            fail("job %s: artifact path %r matched nothing" % (name, pattern))
        for match in matches:
            rel = os.path.relpath(match, workdir)
            dest = os.path.join(artifacts_dir, rel)
            if os.path.isdir(match):
                shutil.copytree(match, dest, symlinks=True, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copy2(match, dest)
            kept.append(rel)
    return kept


def load_results(path):
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qcoord", required=True)
    ap.add_argument("--python", required=True, help="a python with Avocado and xmlschema (the local agent's)")
    ap.add_argument("--tests", required=True)
    ap.add_argument("--pipeline", default=os.path.join(REPO, "deploy/gitlab-ci/.gitlab-ci.yml"))
    ap.add_argument("--work", default=os.path.join(REPO, "build/check-gitlab-ci"))
    args = ap.parse_args()
    qcoord, python, tests = (os.path.abspath(p) for p in (args.qcoord, args.python, args.tests))

    with open(args.pipeline) as f:
        pipeline = yaml.safe_load(f)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)

    # The pipeline's variables, then what a local run needs instead of the lab's hosts.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CI_")}
    env.update({k: str(v) for k, v in pipeline.get("variables", {}).items()})
    env.update(QCOORD=qcoord, QCOORD_TESTS=tests, QCOORD_RUN_OPTIONS="--python " + python,
               CI="true", GITLAB_CI="true", HOME=os.path.join(args.work, "home"))
    # No timings file on the first pipeline; the second uses the first's merged results.
    env["QCOORD_TIMINGS"] = os.path.join(args.work, "timings.json")
    merged = run_pipeline(pipeline, env, os.path.join(args.work, "pipeline-1"), qcoord, python, tests, timed=False)
    shutil.copy(merged, env["QCOORD_TIMINGS"])
    run_pipeline(pipeline, env, os.path.join(args.work, "pipeline-2"), qcoord, python, tests, timed=True)
    # A failing test: every shard job still succeeds (all reports land), the report job writes
    # the report and then fails with the merged exit code 1.
    failing = os.path.join(args.work, "tests-with-a-failure")
    shutil.copytree(tests, failing)
    with open(os.path.join(failing, "fails.sh"), "w") as f:
        f.write("#!/bin/sh\necho 'this test fails on purpose'\nexit 1\n")
    os.chmod(os.path.join(failing, "fails.sh"), 0o755)
    env["QCOORD_TESTS"] = failing
    merged = run_pipeline(pipeline, env, os.path.join(args.work, "pipeline-3"), qcoord, python, failing, timed=True,
                          report_exit=1)
    statuses = [t["status"] for t in load_results(merged)["tests"]]
    if statuses.count("FAIL") != 1:
        fail("pipeline with a failing test: statuses %s" % statuses)


def run_pipeline(pipeline, env, work, qcoord, python, tests, timed, report_exit=0):
    """One pipeline: every job, then the checks; returns the merged results.json."""
    os.makedirs(work)
    artifacts_dir = os.path.join(work, "artifacts")
    os.makedirs(artifacts_dir)
    test_jobs = 0
    junit = html = None
    for stage, jobs in jobs_by_stage(pipeline):
        for name, job in jobs:
            total = int(job.get("parallel", 1))
            for index in range(1, total + 1):
                job_env = dict(env)
                if "parallel" in job:
                    job_env.update(CI_NODE_INDEX=str(index), CI_NODE_TOTAL=str(total))
                    test_jobs = total
                workdir = os.path.join(work, "%s-%d" % (name, index))
                reports = job.get("artifacts", {}).get("reports", {})
                run_job(name, job, job_env, workdir, artifacts_dir, workdir + ".log",
                        expect_exit=report_exit if "junit" in reports else 0)
                if "junit" in reports:
                    junit = os.path.join(workdir, reports["junit"])
                    html = os.path.join(os.path.dirname(junit), "results.html")
    if test_jobs < 2:
        fail("no job with parallel: N >= 2")
    if junit is None:
        fail("no job publishes artifacts:reports:junit")

    # The reference: the same tests, unsharded, in one job.
    ref_dir = os.path.join(work, "reference")
    proc = subprocess.run([qcoord, "run", "--python", python, "--job-results-dir", ref_dir, tests],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if proc.returncode not in (0, 1):
        fail("the unsharded run exited %d" % proc.returncode)
    reference = load_results(os.path.join(ref_dir, "latest", "results.json"))
    merged = load_results(os.path.join(os.path.dirname(junit), "results.json"))
    shards = [load_results(p) for p in sorted(glob.glob(os.path.join(artifacts_dir, "shards", "*", "job-*", "results.json")))]
    if len(shards) != test_jobs:
        fail("%d shard job directories in the artifacts, expected %d" % (len(shards), test_jobs))

    ref_status = {t["name"]: t["status"] for t in reference["tests"]}
    names = [t["name"] for t in merged["tests"]]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        fail("tests present more than once in the merged report: %s" % dupes)
    if set(names) != set(ref_status):
        fail("merged tests differ from the unsharded run: missing %s, extra %s" % (
            sorted(set(ref_status) - set(names)), sorted(set(names) - set(ref_status))))
    differ = [(t["name"], t["status"], ref_status[t["name"]]) for t in merged["tests"] if t["status"] != ref_status[t["name"]]]
    if differ:
        fail("statuses differ from the unsharded run (name, merged, unsharded): %s" % differ)
    counts = ["pass", "errors", "failures", "skip", "warn", "interrupt", "cancel", "total"]
    for key in counts:
        summed = sum(s.get(key, 0) for s in shards)
        if not (merged.get(key) == summed == reference.get(key)):
            fail("count %r: merged %s, shards summed %s, unsharded %s" % (key, merged.get(key), summed, reference.get(key)))
    if sum(1 for s in shards if s["tests"]) < 2:
        fail("the split put every test in one shard")
    if not os.path.isfile(html):
        fail("no results.html in the report artifact")
    proc = subprocess.run([python, os.path.join(HERE, "validate_junit.py"), junit])
    if proc.returncode != 0:
        fail("%s does not validate against docs/junit.xsd" % junit)
    for shard_args in glob.glob(os.path.join(artifacts_dir, "shards", "*", "job-*", "jobdata", "args.json")):
        if ("timings" in load_results(shard_args)) != timed:
            fail("%s: --timings %s" % (shard_args, "missing" if timed else "given without a timings file"))
    print("check-gitlab-ci: %s: %d shards (%s tests each) merged into %d tests, statuses and counts as the "
          "unsharded run; JUnit valid; HTML present" % (
              ("with --timings" if timed else "no timings yet") + (", one test failing" if report_exit else ""), len(shards),
              "/".join(str(len(s["tests"])) for s in shards), len(names)))
    return os.path.join(os.path.dirname(junit), "results.json")


if __name__ == "__main__":
    main()
