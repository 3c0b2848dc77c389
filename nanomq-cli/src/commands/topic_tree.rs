//! `nanomq-cli topic-tree`: `GET /topic-tree`, drawn as a tree (like `tree`), not as the
//! level-by-level arrays the API sends.
//!
//! The API lists the subscription trie breadth first: level `n + 1` holds the children of the
//! nodes of level `n`, in order, each node owning the next `cld_cnt` of them. That is enough to
//! put the tree back together.

use shared_types::{TopicTree, TopicTreeNode};

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::count;

/// Runs `topic-tree`.
pub async fn exec(ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let reply = ctx.api()?.get(&["topic-tree"], &()).await?;
    if ctx.out.is_json() {
        return ctx.out.print_json(&reply.data.unwrap_or_default());
    }
    let levels: TopicTree = reply.typed()?;
    let root = rebuild(&levels).map_err(CliError::Server)?;
    ctx.out.print(&draw(&root))
}

/// One node of the rebuilt tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// The topic level (`+`, `#`, or a literal; "" for the root).
    pub name: String,
    /// The clients subscribed to the filter ending here.
    pub clients: Vec<String>,
    /// The levels below.
    pub children: Vec<TreeNode>,
}

/// Puts the tree back together from its levels.
pub fn rebuild(levels: &[Vec<TopicTreeNode>]) -> Result<TreeNode, String> {
    let Some(root) = levels.first().and_then(|level| level.first()) else {
        return Ok(TreeNode {
            name: String::new(),
            clients: Vec::new(),
            children: Vec::new(),
        });
    };
    let mut cursors = vec![0usize; levels.len()];
    let tree = build(root, 0, levels, &mut cursors)?;
    for (depth, level) in levels.iter().enumerate() {
        let expected = if depth == 0 { 1 } else { level.len() };
        if cursors
            .get(depth)
            .copied()
            .unwrap_or(0)
            .max(usize::from(depth == 0))
            != expected
        {
            return Err("the topic tree reply is inconsistent (child counts do not add up)".into());
        }
    }
    Ok(tree)
}

fn build(
    node: &TopicTreeNode,
    depth: usize,
    levels: &[Vec<TopicTreeNode>],
    cursors: &mut [usize],
) -> Result<TreeNode, String> {
    let inconsistent = || "the topic tree reply is inconsistent (missing child nodes)".to_string();
    let mut children = Vec::new();
    for _ in 0..node.cld_cnt {
        let next = depth + 1;
        let index = *cursors.get(next).ok_or_else(inconsistent)?;
        let child = levels
            .get(next)
            .and_then(|level| level.get(index))
            .ok_or_else(inconsistent)?;
        if let Some(cursor) = cursors.get_mut(next) {
            *cursor += 1;
        }
        children.push(build(child, next, levels, cursors)?);
    }
    Ok(TreeNode {
        name: node.topic.clone(),
        clients: node.clientid.clone().unwrap_or_default(),
        children,
    })
}

/// The tree as `tree` draws directories, subscribers in brackets, then a count line.
pub fn draw(root: &TreeNode) -> String {
    let filters = count_filters(root);
    if root.children.is_empty() && root.clients.is_empty() {
        return "no subscriptions\n".to_string();
    }
    let mut text = String::from(".\n");
    draw_children(root, "", &mut text);
    text.push_str(&format!(
        "\n{}\n",
        count(filters, "subscribed filter", "subscribed filters")
    ));
    text
}

fn draw_children(node: &TreeNode, prefix: &str, text: &mut String) {
    let last = node.children.len().saturating_sub(1);
    for (index, child) in node.children.iter().enumerate() {
        let (branch, indent) = if index == last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        text.push_str(prefix);
        text.push_str(branch);
        text.push_str(if child.name.is_empty() {
            "\"\""
        } else {
            &child.name
        });
        if !child.clients.is_empty() {
            text.push_str(&format!("  [{}]", child.clients.join(", ")));
        }
        text.push('\n');
        draw_children(child, &format!("{prefix}{indent}"), text);
    }
}

fn count_filters(node: &TreeNode) -> usize {
    usize::from(!node.clients.is_empty()) + node.children.iter().map(count_filters).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(topic: &str, cld_cnt: u64, clients: &[&str]) -> TopicTreeNode {
        TopicTreeNode {
            topic: topic.into(),
            cld_cnt,
            clientid: (!clients.is_empty())
                .then(|| clients.iter().map(|c| c.to_string()).collect()),
        }
    }

    #[test]
    fn document_example() {
        let levels = vec![
            vec![node("", 1, &[])],
            vec![node("topic123", 1, &["nanomq-3a4a0956"])],
            vec![node("123", 1, &["nanomq-0cfd69bb"])],
            vec![node("456", 0, &["nanomq-26971dc8"])],
        ];
        let expected = "\
.
└── topic123  [nanomq-3a4a0956]
    └── 123  [nanomq-0cfd69bb]
        └── 456  [nanomq-26971dc8]

3 subscribed filters
";
        assert_eq!(draw(&rebuild(&levels).unwrap()), expected);
    }

    #[test]
    fn branches_and_wildcards() {
        let levels = vec![
            vec![node("", 2, &[])],
            vec![node("a", 2, &[]), node("sensors", 1, &[])],
            vec![
                node("b", 0, &["c1", "c2"]),
                node("+", 0, &["c3"]),
                node("#", 0, &["c4"]),
            ],
        ];
        let expected = "\
.
├── a
│   ├── b  [c1, c2]
│   └── +  [c3]
└── sensors
    └── #  [c4]

3 subscribed filters
";
        assert_eq!(draw(&rebuild(&levels).unwrap()), expected);
    }

    #[test]
    fn empty_and_inconsistent() {
        assert_eq!(
            draw(&rebuild(&[vec![node("", 0, &[])]]).unwrap()),
            "no subscriptions\n"
        );
        assert_eq!(draw(&rebuild(&[]).unwrap()), "no subscriptions\n");
        assert!(rebuild(&[vec![node("", 2, &[])], vec![node("a", 0, &[])]]).is_err());
        assert!(rebuild(&[vec![node("", 0, &[])], vec![node("a", 0, &[])]]).is_err());
    }
}
