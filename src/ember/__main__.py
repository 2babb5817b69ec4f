"""`python -m ember COMMAND`: command-line entry points (`demo`, `supported`)."""

import sys

USAGE = "usage: python -m ember demo | supported"


def main(argv: list[str]) -> int:
    if argv == ["demo"]:
        from ember import demo  # here, not at the top: `import ember` stays cheap

        return demo.main()
    if argv == ["supported"]:  # regenerates docs/supported.md
        from ember.lib.supported import supported_markdown

        print(supported_markdown(), end="")
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
