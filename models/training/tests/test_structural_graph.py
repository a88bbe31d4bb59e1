from pathlib import Path

import onnx
import pytest
import torch
from onnx import shape_inference

from models.training.export_structural import branch_onnx
from models.training.structural_detector import T1StructuralDetector
from models.training.structural_graph import StructuralBranch, merge_structural_branch

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "test/fixtures/models/random-small/classifier.onnx"
GRID, CAM_GRID = (20, 112, 112), (10, 7, 7)


def shapes(model, names):
    inferred = shape_inference.infer_shapes(model).graph
    values = {v.name: v for v in list(inferred.value_info) + list(inferred.output)}
    return {n: [d.dim_value for d in values[n].type.tensor_type.shape.dim] for n in names}


@pytest.fixture(scope="module")
def merged():
    torch.manual_seed(0)
    branch = StructuralBranch(T1StructuralDetector(2), 50, GRID, CAM_GRID).eval()
    return onnx.load(str(FIXTURE)), merge_structural_branch(onnx.load(str(FIXTURE)), branch_onnx(branch, GRID), [0.7, 1.3], -0.2, task=2)


def test_the_contract_is_unchanged(merged):
    base, model = merged
    assert [i.name for i in model.graph.input] == [i.name for i in base.graph.input] == ["t1", "stir"]
    assert [o.name for o in model.graph.output] == ["probabilities", "cam"]
    assert shapes(model, ["probabilities", "cam"]) == {"probabilities": [1, 3], "cam": [1, 3, 2, *CAM_GRID]}


def test_one_node_makes_each_output_and_the_branch_reads_the_t1_input(merged):
    _, model = merged
    nodes = model.graph.node
    assert [n.op_type for n in nodes if "probabilities" in n.output] == ["Sigmoid"]
    assert [n.op_type for n in nodes if "cam" in n.output] == ["Concat"]
    assert any(n.name.startswith("structural/") and "t1" in n.input for n in nodes)
    assert len({n.name for n in nodes}) == len(nodes)
    assert len({i.name for i in model.graph.initializer}) == len(model.graph.initializer)


def test_the_stacking_weights_are_in_the_graph(merged):
    _, model = merged
    values = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    assert values["structural/w_classifier"].tolist() == pytest.approx([0.7])
    assert values["structural/w_detector"].tolist() == pytest.approx([1.3])
    assert values["structural/bias"].tolist() == pytest.approx([-0.2])


def test_a_branch_that_does_not_divide_the_grid_is_refused():
    with pytest.raises(ValueError, match="does not divide"):
        StructuralBranch(T1StructuralDetector(2), 50, GRID, (20, 28, 30))
