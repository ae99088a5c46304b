// compose-check loads a compose file with every profile through compose-go, the loader Docker
// Compose itself uses, which validates it against the compose specification's schema and
// interpolates it; it prints the number of services, or the first problem and exits 1.
// `npm run test:deploy` builds and runs it (test/deploy/compose.test.ts).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file>…")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(os.Args[1:], cli.WithProfiles([]string{"*"}), cli.WithName("check"))
	if err == nil {
		var project interface{ ServiceNames() []string }
		project, err = options.LoadProject(context.Background())
		if err == nil {
			fmt.Println(len(project.ServiceNames()))
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
