// k8s-manifest-check strictly decodes every object of multi-document YAML (helm template output) into the
// Kubernetes API types of k8s.io/api, the way the API server would: an unknown or misspelt field, a value of the
// wrong type or an unknown kind fails. It also checks object names and label values, and that each workload's
// selector matches its pod template. No cluster is needed; it complements helm lint, which checks none of this.
//
//	go run . rendered.yaml [more.yaml ...]
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8s-manifest-check FILE...")
		os.Exit(2)
	}
	decoder := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	failed := false
	for _, path := range os.Args[1:] {
		kinds, problems := checkFile(decoder, path)
		for _, problem := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", path, problem)
		}
		if len(problems) > 0 {
			failed = true
			continue
		}
		fmt.Printf("%s: %s\n", path, summary(kinds))
	}
	if failed {
		os.Exit(1)
	}
}

func checkFile(decoder runtime.Decoder, path string) (map[string]int, []string) {
	file, err := os.Open(path)
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer file.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(file))
	kinds := map[string]int{}
	var problems []string
	for index := 1; ; index++ {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return kinds, append(problems, fmt.Sprintf("document %d: %v", index, err))
		}
		asJSON, err := utilyaml.ToJSON(document)
		if err != nil {
			problems = append(problems, fmt.Sprintf("document %d: not YAML: %v", index, err))
			continue
		}
		if trimmed := bytes.TrimSpace(asJSON); len(trimmed) == 0 || string(trimmed) == "null" {
			continue // only comments
		}
		object, gvk, err := decoder.Decode(asJSON, nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("document %d: %v", index, err))
			continue
		}
		name := gvk.Kind
		if accessor, ok := object.(metav1.Object); ok {
			name = gvk.Kind + "/" + accessor.GetName()
			problems = append(problems, checkMeta(name, accessor)...)
		}
		problems = append(problems, checkSelector(name, object)...)
		kinds[gvk.Kind]++
	}
	return kinds, problems
}

func checkMeta(name string, object metav1.Object) []string {
	var problems []string
	for _, message := range validation.IsDNS1123Subdomain(object.GetName()) {
		problems = append(problems, fmt.Sprintf("%s: name: %s", name, message))
	}
	for key, value := range object.GetLabels() {
		for _, message := range validation.IsQualifiedName(key) {
			problems = append(problems, fmt.Sprintf("%s: label %q: %s", name, key, message))
		}
		for _, message := range validation.IsValidLabelValue(value) {
			problems = append(problems, fmt.Sprintf("%s: label %s=%q: %s", name, key, value, message))
		}
	}
	return problems
}

func checkSelector(name string, object runtime.Object) []string {
	deployment, ok := object.(*appsv1.Deployment)
	if !ok {
		return nil
	}
	if deployment.Spec.Selector == nil {
		return []string{name + ": no selector"}
	}
	selector, err := metav1.LabelSelectorAsSelector(deployment.Spec.Selector)
	if err != nil {
		return []string{fmt.Sprintf("%s: selector: %v", name, err)}
	}
	if !selector.Matches(labels.Set(deployment.Spec.Template.Labels)) {
		return []string{fmt.Sprintf("%s: selector %s does not match the pod template's labels", name, selector)}
	}
	return nil
}

func summary(kinds map[string]int) string {
	names := make([]string, 0, len(kinds))
	total := 0
	for kind, count := range kinds {
		names = append(names, fmt.Sprintf("%d %s", count, kind))
		total += count
	}
	sort.Strings(names)
	return fmt.Sprintf("%d objects valid (%s)", total, strings.Join(names, ", "))
}
