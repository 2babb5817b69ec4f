"""`python -m ember COMMAND`: command-line entry points (only `demo` so far)."""

import sys

USAGE = "usage: python -m ember demo"


def main(argv: list[str]) -> int:
    if argv == ["demo"]:
        from ember import demo  # here, not at the top: `import ember` stays cheap

        return demo.main()
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
