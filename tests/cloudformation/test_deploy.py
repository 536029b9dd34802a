"""deploy.sh against moto_server: every step of every example and test spec
succeeds, and the aws CLI then finds the stacks, buckets and roles the spec
asks for (deployed.py says what moto cannot show). The two-way example is
test_two_way.py's. Usage: test_deploy.py SHARD COUNT, to spread the specs
over parallel tests."""
import sys
import tempfile

import cfntest
import deployed
from cfntest import crrctest
from test_two_way import EXAMPLE


def main(shard, count):
    cfntest.require_deploy_tools()
    errors, done = [], []
    with tempfile.TemporaryDirectory() as tmp:
        todo = [(s, m) for s, m in cfntest.specs() if s != EXAMPLE]
        mine = todo[shard::count]
        if not mine:
            print(f"shard {shard}/{count}: no spec")
            return 0
        with crrctest.moto_server() as url:
            aws = cfntest.Aws(url, tmp)
            for spec, m in mine:
                errs, manifest = deployed.deploy_and_verify(aws, spec, m, tmp)
                errors += errs
                done.append(f"{cfntest.stem(spec)} ({len(manifest['steps'])} steps)")
    for e in errors:
        print(e, file=sys.stderr)
    print("deployed and read back: " + ", ".join(done))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
