// The netdissect executable: the command line lives in the CLI module.
import ArgumentParser
import CLI

await Netdissect.start()
