"""deploy.sh stops at the first step that fails and names it: a template
that cannot be deployed at step 2 of 3 stops the run there (step 3 never
starts); credentials of the wrong account stop a step before it
deploys anything, saying which variable names the right profile."""
import os
import re
import sys
import tempfile

import cfntest
from cfntest import crrctest


def steps_run(stdout):
    return [int(n) for n in re.findall(r"^deploy\.sh: step (\d+)/", stdout, re.M)]


def main():
    cfntest.require_deploy_tools()
    errors = []
    with tempfile.TemporaryDirectory() as tmp, crrctest.moto_server() as url:
        aws = cfntest.Aws(url, tmp)

        out = os.path.join(tmp, "streamvision")
        cfntest.compile_spec(os.path.join(crrctest.EXAMPLES, "streamvision.crr.yaml"), out)
        manifest, _ = cfntest.load_dir(out)
        second = manifest["steps"][1]
        with open(os.path.join(out, second["template"]), "w") as f:
            f.write('{"Resources": \n')  # truncated: the aws CLI cannot parse it
        p = cfntest.deploy(aws, out, manifest)
        nsteps = len(manifest["steps"])  # the buckets' stacks, then the access point's
        want = f"deploy.sh: step 2/{nsteps} failed (stack {second['stack_name']})"
        if p.returncode == 0 or want not in p.stderr or steps_run(p.stdout) != [1, 2]:
            errors.append(f"a failing step 2: exit {p.returncode}, steps {steps_run(p.stdout)}, "
                          f"want {want!r}:\n{p.stdout}\n{p.stderr}")

        out = os.path.join(tmp, "crossaccount")
        cfntest.compile_spec(os.path.join(crrctest.EXAMPLES, "crossaccount-kms.crr.yaml"), out)
        manifest, _ = cfntest.load_dir(out)
        first = manifest["steps"][0]
        env = dict(aws.env)  # no CRRC_PROFILE_*: moto's default account
        p = cfntest.subprocess.run(["bash", os.path.join(out, "deploy.sh")], capture_output=True,
                                   text=True, env=env)
        want = (f"the credentials are for account {cfntest.MOTO_DEFAULT_ACCOUNT}, "
                f"not {first['account']}: set {first['profile_variable']}")
        if p.returncode == 0 or want not in p.stderr or steps_run(p.stdout) != [1]:
            errors.append(f"the wrong account: exit {p.returncode}, steps {steps_run(p.stdout)}, "
                          f"want {want!r}:\n{p.stdout}\n{p.stderr}")
        stacks = aws.json("cloudformation", "list-stacks", "--region", first["region"])
        if stacks["StackSummaries"]:
            errors.append(f"a stack was created with the wrong account: {stacks}")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
